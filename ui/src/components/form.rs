//! A form's state: the api input it submits (or a small draft that turns
//! into it), held once, with one way to change it.
//!
//! ```ignore
//! let form = use_form::<SaveRoom>();
//! <Field name="name" value={form.name.clone()} on_input={form.field(|f, v| f.name = v)} />
//! act((*form).clone(), error, session, move |_| form.reset());
//! ```
//!
//! Changes go through a reducer, so two fields changed by one event (a
//! date written out in full as the field is left, then the next field
//! typed into) both stay.

use std::ops::Deref;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
struct Held<T>(T);

impl<T: Clone> Reducible for Held<T> {
    type Action = Box<dyn FnOnce(&mut T)>;

    fn reduce(self: Rc<Self>, change: Self::Action) -> Rc<Self> {
        let mut value = Rc::unwrap_or_clone(self).0;
        change(&mut value);
        Rc::new(Held(value))
    }
}

/// The handle [`use_form`] gives: reads as the value (`form.name`,
/// `form.value()`), changes through [`Form::update`] and the callbacks
/// made from it.
pub struct Form<T: Clone + PartialEq + 'static> {
    held: UseReducerHandle<Held<T>>,
}

impl<T: Clone + PartialEq + 'static> Clone for Form<T> {
    fn clone(&self) -> Self {
        Form { held: self.held.clone() }
    }
}

impl<T: Clone + PartialEq + 'static> PartialEq for Form<T> {
    fn eq(&self, other: &Self) -> bool {
        self.held == other.held
    }
}

impl<T: Clone + PartialEq + 'static> Deref for Form<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.held.0
    }
}

impl<T: Clone + PartialEq + 'static> Form<T> {
    /// The value as of this render.
    pub fn value(&self) -> &T {
        &self.held.0
    }

    /// Changes the value in place; the form renders again if it differs.
    pub fn update(&self, change: impl FnOnce(&mut T) + 'static) {
        self.held.dispatch(Box::new(change));
    }

    /// Replaces the whole value (an edit form filled from a row).
    pub fn set(&self, value: T) {
        self.update(move |f| *f = value);
    }

    /// Back to the empty form.
    pub fn reset(&self)
    where
        T: Default,
    {
        self.set(T::default());
    }

    /// A callback putting what a field gives into the value, e.g.
    /// `form.field(|f, v| f.full_name = v)` for a `Field`'s `on_input`.
    pub fn field<V: 'static>(&self, put: impl Fn(&mut T, V) + 'static) -> Callback<V> {
        let (form, put) = (self.clone(), Rc::new(put));
        Callback::from(move |v: V| {
            let put = put.clone();
            form.update(move |f| put(f, v));
        })
    }
}

/// A form starting empty (`T::default()`).
#[hook]
pub fn use_form<T>() -> Form<T>
where
    T: Default + Clone + PartialEq + 'static,
{
    use_form_with(T::default)
}

/// A form starting from `init` (an edit form filled from a row, or an
/// input with a field set: the branch it is for).
#[hook]
pub fn use_form_with<T, F>(init: F) -> Form<T>
where
    T: Clone + PartialEq + 'static,
    F: FnOnce() -> T,
{
    Form { held: use_reducer_eq(move || Held(init())) }
}
